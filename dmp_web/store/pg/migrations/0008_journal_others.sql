-- DMP web, PostgreSQL schema version 8: the entries of a journal not by the holder's side (the
-- holder and their legal representative), for the history's default view « Seulement les
-- soignants » (PgJournal.others): its count and its page read this partial index, never the
-- holder's own entries. The predicate is the query's own: keep both the same.
CREATE INDEX journal_others ON journal_entries (journal_id, seq)
    WHERE (stored ->> 'actor_kind') NOT IN ('holder', 'legal_representative');
