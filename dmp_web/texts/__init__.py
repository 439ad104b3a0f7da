"""The site's own texts, read from content/: the easy-to-read guides and their booklets, the
glossary, and the visible text of a page that the easy-to-read check reads. No use case here:
these are loaders and parsers, pure of requests and stores."""
