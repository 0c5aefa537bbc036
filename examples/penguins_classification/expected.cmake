# Figures CTest checks in the output of penguins_classification (exercise 4).
expect("Adelie" 146 146)
expect("Gentoo" 119 119)
expect("Chinstrap" 68 68)
expect("binary accuracy" 0.95 1)
expect("binary weighted F1" 0.95 1)
expect("three classes final loss" 0 0.15)
expect("three classes accuracy" 0.9 1)
