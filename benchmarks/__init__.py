"""Speed of one training step, measured side by side on identical data and weights.

``python -m benchmarks`` times one step (forward, backward, Adam update) of

1. this project's network, ``rnn_nodes.RNN.train_step`` (one BLAS thread, and
   OpenBLAS' default threads next to it);
2. the same network as one jitted pure-JAX function over ``lax.scan``
   (:mod:`benchmarks.reference_jax`, the practical limit on this CPU);
3. the original prototype's approach, a per-node numpy loop that rebuilds
   the activation derivative with an un-jitted ``vmap(vmap(grad(f)))`` at
   every node (:mod:`benchmarks.prototype`);
4. PyTorch's ``nn.RNN`` / ``nn.LSTM`` on one thread, when ``torch`` happens to
   be installed (:mod:`benchmarks.torch_rnn`; never a dependency);

checks in the same run that the gradients of 1 and 2 agree, counts JAX
compilations over a whole ``train``, compares the memory the forward pass
caches with the minimum the backward pass needs, and writes
``results.json`` and ``results.png``. Timings are medians over repeated
steps, with warm-up steps excluded; they are numbers, never assertions.
"""
