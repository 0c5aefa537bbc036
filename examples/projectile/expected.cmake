# Figures CTest checks in the output of projectile (exercise 1).
# exp(-50^2 / (2 * 100^2)) = 0.8825; with 10000 rows the binomial spread is 0.0032 (4 sigma here).
expect("fraction passing pT > 50" 0.8695 0.8955)
expect("index of the highest energy" 0 9999)
expect("index of the lowest energy" 0 9999)
expect("index of the pz closest to the mean" 0 9999)
expect("scaled range excess over 1" -1e-6 1e-6)
# The highest of 100 trajectories: u0^2 sin^2(theta) / (2 g) is at most 50^2 / 19.6 = 127.6 m.
expect("highest point" 0 127.6)
