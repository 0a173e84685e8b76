"""The incoming register (sổ đăng ký văn bản đến) and the follow-up of what arrives.

A document another body sent is registered from its archived record (``arrivals.py``) into the
book of its year and secrecy (``book.py``: số đến from 1 each calendar year, given in the same
transaction as the row); a leader directs it (a lead, supporting units, a deadline), its handler
records progress and closes it, with the outgoing answer or as kept for information. Every change
is kept with who and when. ``printing.py`` lays the books out as the official forms (DOCX for the
PDF, XLSX), and the outgoing register's book the same way.

The package stands between the office's facade (``office/incoming.py``) and the library below:
it reads archived records and the task reader's deadlines, never a shell.
"""
