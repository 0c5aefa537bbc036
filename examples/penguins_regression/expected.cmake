# Figures CTest checks in the output of penguins_regression (exercises 2 and 3); the least-squares
# values are scikit-learn's (tools/gen_data_reference.py).
expect("least squares slope" 50.1532658 50.1532661)
expect("least squares intercept" -5872.0927 -5872.0926)
expect("least squares R2" 0.762092157 0.762092158)
expect("prediction at 200 mm" 4158.555 4158.565)
expect("two features intercept" -6537.5978 -6537.5977)
expect("two features R2" 0.763666475 0.763666476)
# Trained with Rprop: within 1% of the least-squares optimum (153789.68 and 152772.00).
expect("Linear(1,1) MSE / least squares" 0.9999 1.01)
expect("Linear(2,1) MSE / least squares" 0.9999 1.01)
# The 1-50-1 network beats the best straight line (0.2372 in z-scored units).
expect("MLP final MSE (z-scored)" 0 0.23)
expect("best straight line MSE (z-scored)" 0.2371 0.2373)
expect("sin MLP test MSE against sin(x)" 0 0.02)
