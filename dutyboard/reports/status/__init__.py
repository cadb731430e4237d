"""The desk at a glance (``dutyboard status``, a leader's status-only SSH key): one
read-only snapshot, rendered as plain text or JSON. Core code: no Textual, no Rich.

:mod:`.model` is the snapshot's shape, :mod:`.build` reads it from the store (the
counts are :mod:`dutyboard.store.counts`), :mod:`.as_json` and :mod:`.text` render it
(:mod:`.labels`: the text's words in each language).
"""
