"""Text helpers: language detection, tokens, the bilingual glossary, markup escaping."""
