"""民主决策: 四议两公开 / 一征三议两公开 records, their steps with attendance, votes and attachments, public notices."""
