"""NLP over parsed articles: spaCy annotation per paragraph, entities, quotes."""
