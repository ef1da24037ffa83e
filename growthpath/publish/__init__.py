"""The publish layer: run the chapters (runner, kernels), glue and collect their values (page,
results, appendix tables), build the HTML/PDF book (build, sphinxext, edition) and check it
(lint, linkcheck). The only layer that knows about notebooks and Sphinx."""
