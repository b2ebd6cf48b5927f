"""
Server-rendered charts (SVG in the page, no script, no CDN), each shown with the table of its data for screen
readers and print. One palette for all of them: :mod:`.palette`.
"""
