import jax

# Gradient checks run in float64, and silent rank broadcasting is a bug class of its own.
jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_rank_promotion", "raise")
