"""The instructor side of How Models Learn: build the nbgrader course from
``solutions/``, generate the learners' notebooks, and grade submissions."""
