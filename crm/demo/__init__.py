"""Demo data: a realistic, seeded Norwegian press register for trying Pressdesk and scale tests.

No blueprint: the domain only has the `crm demo-data` command (cli.py) and its generator.
"""
