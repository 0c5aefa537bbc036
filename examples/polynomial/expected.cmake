# Figures CTest checks in the output of polynomial (the exercise-2 bonus): the fit recovers
# 2x^4 - 3x^3 - 10x^2 + 0.5x + 3 within 0.05.
expect("least squares coefficient of x^1" 0.45 0.55)
expect("least squares coefficient of x^2" -10.05 -9.95)
expect("least squares coefficient of x^3" -3.05 -2.95)
expect("least squares coefficient of x^4" 1.95 2.05)
expect("least squares intercept" 2.95 3.05)
expect("least squares R2" 0.999 1)
expect("MLP R2" 0.99 1)
expect("SGD final loss" 0 0.001)
