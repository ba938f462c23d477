"""The generators of the course data, one module per domain, each with a `make_<task>()` per task it writes.

`data/make_data.py` calls, for each task of the registry `utils.course.tasks.TASKS`, `make_<task>()` of the module the
registry names:

- `common`: the seed and `rng_for`, text and chat helpers, and the shared world (people, companies, places, ...).
- `helpdesk`: the Northwind Cloud help-desk facts: `helpdesk` chats and `preferences` pairs.
- `reviews`: product reviews for `classification`.
- `news`: BIO-tagged news sentences for `ner`.
- `legal`: contracts and court notices with their summaries for `summarization`.
- `triage`: the clinic triage desk: `triage` chats, `triage_preferences` pairs and the `red_team` prompts.
- `pretrain`: the pretraining corpus, prose drawn from every other module.
- `arithmetic`: additions and subtractions with a checkable answer.
"""
