// SPDX-License-Identifier: MIT
// read_csv: quoting, NA tokens, type inference, dropna, masks, factorize, and the errors for
// malformed files, each naming the file, line and column.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <kaon/kaon.hpp>
#include <string>

namespace data = kaon::data;
using Catch::Matchers::Contains;

namespace {
// A file in the temporary folder holding `text`, removed when the test ends.
struct TempCsv {
  std::filesystem::path path;
  TempCsv(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() / ("kaon_csv_test_" + name)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempCsv() { std::filesystem::remove(path); }
};
}  // namespace

TEST_CASE("read_csv infers numeric and text columns and reads pandas' NA tokens", "[data][csv]") {
  const auto df = data::parse_csv(
      "name,mass,flag\n"
      "alpha,1.5,x\n"
      "beta,NA,\n"
      "\"gamma, \"\"the third\"\"\",-2e3,y\n"
      "NA, +4 ,z\n");
  REQUIRE(df.rows() == 4);
  REQUIRE(df.cols() == 3);
  REQUIRE(df.columns() == std::vector<std::string>{"name", "mass", "flag"});
  REQUIRE_FALSE(df["name"].is_numeric());
  REQUIRE(df["mass"].is_numeric());
  REQUIRE(df["name"].text(2) == "gamma, \"the third\"");
  REQUIRE(df["name"].is_na(3));
  REQUIRE(df["mass"].is_na(1));
  REQUIRE(df["mass"].number(2) == -2000.0);
  REQUIRE(df["mass"].number(3) == 4.0);
  REQUIRE(df["flag"].is_na(1));
  REQUIRE(df["mass"].count_na() == 1);
  // "+-5" and "1e" are text, not numbers.
  REQUIRE_FALSE(data::parse_csv("a\n+-5\n")["a"].is_numeric());
  REQUIRE_FALSE(data::parse_csv("a\n1e\n")["a"].is_numeric());
  REQUIRE(df.dropna().rows() == 2);
  REQUIRE(df.dropna({"mass"}).rows() == 3);
  REQUIRE(df.dropna({"name", "flag"}).rows() == 2);
}

TEST_CASE("read_csv handles CRLF, blank lines, a BOM and fields spanning lines", "[data][csv]") {
  const auto df = data::parse_csv(
      "\xEF\xBB\xBF"
      "a,b\r\n1,\"two\nlines\"\r\n\r\n3,x\r\n");
  REQUIRE(df.columns() == std::vector<std::string>{"a", "b"});
  REQUIRE(df.rows() == 2);
  REQUIRE(df["a"].number(1) == 3.0);
  REQUIRE(df["b"].text(0) == "two\nlines");
  // The second record starts on line 5 of the text (the quoted field spans lines 2 and 3).
  REQUIRE(df["b"].where(1) == "<text>:5, column 2 ('b')");
}

TEST_CASE("DataFrame masks, selection to tensors and factorize", "[data][csv]") {
  const auto df = data::parse_csv("species,x,y\nA,1,10\nB,2,20\nA,3,30\nC,4,40\nB,5,50\n");
  const auto not_b = df[df["species"] != "B"];
  REQUIRE(not_b.rows() == 3);
  const auto xy = not_b.to_tensor<double>({"x", "y"});
  REQUIRE(xy.shape() == kaon::Shape{3, 2});
  REQUIRE(xy.to_vector() == std::vector<double>{1, 10, 3, 30, 4, 40});
  REQUIRE(df[df["species"].isin({"A", "C"})].rows() == 3);
  REQUIRE(df[df["x"].to_tensor<double>() > 2.5].rows() == 3);
  REQUIRE(df.select({"y", "x"}).columns() == std::vector<std::string>{"y", "x"});
  REQUIRE(df.head(2).rows() == 2);

  const auto [codes, uniques] = data::factorize(df["species"]);
  REQUIRE(codes.to_vector() == std::vector<std::int64_t>{0, 1, 0, 2, 1});
  REQUIRE(uniques == std::vector<std::string>{"A", "B", "C"});
  const auto counts = df.value_counts("species");
  REQUIRE(counts.size() == 3);
  REQUIRE(counts[0] == std::pair<std::string, std::int64_t>{"A", 2});
  REQUIRE(counts[1] == std::pair<std::string, std::int64_t>{"B", 2});
  REQUIRE(counts[2] == std::pair<std::string, std::int64_t>{"C", 1});

  const auto with_na = data::parse_csv("s\nu\nNA\nv\nu\n");
  REQUIRE(data::factorize(with_na["s"]).codes.to_vector() ==
          std::vector<std::int64_t>{0, -1, 1, 0});
  REQUIRE((with_na["s"] == "u").to_vector() == std::vector<bool>{true, false, false, true});
  REQUIRE((with_na["s"] != "u").to_vector() == std::vector<bool>{false, true, true, false});
  REQUIRE(with_na["s"].isna().to_vector() == std::vector<bool>{false, true, false, false});
}

TEST_CASE("read_csv errors name the file, line and column", "[data][csv][errors]") {
  SECTION("a ragged row") {
    TempCsv f("ragged.csv", "a,b,c\n1,2,3\n4,5,6,7\n");
    REQUIRE_THROWS_AS(data::read_csv(f.path), kaon::IOError);
    REQUIRE_THROWS_WITH(data::read_csv(f.path),
                        Contains(f.path.string() + ":3, column 4: expected 3 fields"));
    TempCsv g("short.csv", "a,b,c\n1,2,3\n4,5\n");
    REQUIRE_THROWS_WITH(data::read_csv(g.path),
                        Contains(":3, column 3: expected 3 fields") && Contains("found 2"));
  }
  SECTION("an unterminated quote") {
    TempCsv f("quote.csv", "a,b\n1,2\n3,\"four\n5,6\n");
    REQUIRE_THROWS_AS(data::read_csv(f.path), kaon::IOError);
    REQUIRE_THROWS_WITH(data::read_csv(f.path),
                        Contains(f.path.string() + ":3, column 2: quoted field is not closed"));
  }
  SECTION("text after a closing quote and a stray quote") {
    REQUIRE_THROWS_WITH(data::parse_csv("a,b\n\"x\"y,1\n", "t.csv"),
                        Contains("t.csv:2, column 1: unexpected 'y' after a closing quote"));
    REQUIRE_THROWS_WITH(data::parse_csv("a,b\n1,x\"y\n", "t.csv"),
                        Contains("t.csv:2, column 2: a quote inside an unquoted field"));
  }
  SECTION("a non-numeric value in a column requested as a tensor") {
    TempCsv f("text.csv", "a,b\n1,2\n3,oops\n5,6\n");
    const auto df = data::read_csv(f.path);
    REQUIRE_THROWS_AS(df.to_tensor({"a", "b"}), kaon::ValueError);
    REQUIRE_THROWS_WITH(df.to_tensor({"a", "b"}),
                        Contains("'oops' at " + f.path.string() + ":3, column 2 ('b')"));
  }
  SECTION("a missing value in a column requested as a tensor") {
    const auto df = data::parse_csv("a,b\n1,2\n3,NA\n", "na.csv");
    REQUIRE_THROWS_WITH(
        df.to_tensor({"b"}),
        Contains("missing value at na.csv:3, column 2 ('b')") && Contains("dropna()"));
    REQUIRE(df.dropna().to_tensor({"b"}).to_vector() == std::vector<float>{2});
  }
  SECTION("a missing file") {
    REQUIRE_THROWS_AS(data::read_csv("/nonexistent/kaon/penguins.csv"), kaon::IOError);
    REQUIRE_THROWS_WITH(data::read_csv("/nonexistent/kaon/penguins.csv"),
                        Contains("cannot open '/nonexistent/kaon/penguins.csv'"));
  }
  SECTION("an empty file") {
    TempCsv f("empty.csv", "");
    REQUIRE_THROWS_AS(data::read_csv(f.path), kaon::IOError);
    REQUIRE_THROWS_WITH(data::read_csv(f.path), Contains(f.path.string() + " is empty"));
  }
  SECTION("duplicate header names, unknown columns, bad masks") {
    REQUIRE_THROWS_WITH(data::parse_csv("a,b,a\n1,2,3\n", "d.csv"),
                        Contains("d.csv:1, column 3: the name 'a' is also column 1"));
    const auto df = data::parse_csv("a,b\n1,2\n");
    REQUIRE_THROWS_AS(df["c"], kaon::IndexError);
    REQUIRE_THROWS_WITH(df["c"], Contains("no column 'c'; the columns are 'a', 'b'"));
    REQUIRE_THROWS_AS(df[kaon::tensor({true, false})], kaon::ShapeError);
    REQUIRE_THROWS_AS(data::factorize(df["a"]), kaon::ValueError);
    REQUIRE(df.to_tensor<std::int64_t>({"a", "b"}).to_vector() == std::vector<std::int64_t>{1, 2});
    const auto frac = data::parse_csv("a\n1.5\n", "f.csv");
    REQUIRE_THROWS_WITH(frac.to_tensor<std::int64_t>({"a"}),
                        Contains("value 1.5 at f.csv:2, column 1 ('a') is not an integer"));
  }
}
