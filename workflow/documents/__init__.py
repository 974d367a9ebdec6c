"""Documents rendered from one structured model: HTML (print CSS), PDF and DOCX."""
