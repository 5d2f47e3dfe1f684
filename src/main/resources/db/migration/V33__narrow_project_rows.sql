-- A project row is read far more often without its document than with it: searches, lists, the feed, the head of
-- every write. A document that compresses below ~2 KB (PostgreSQL toasts only rows past that) stayed inside the row,
-- five rows to a page, so a search of 5,000 seeded projects read 1,000 pages to rank 500 of them (1.6 ms of its
-- 2.5). Toasting now aims at 128 bytes: the document always lives in the TOAST table, and the columns searches and
-- lists read are kept in the row (MAIN: compressed if they must be, moved out only when the row would not fit in a
-- page), so that the document is the one value moved out. ~20 rows a page; the same search reads ~240 pages.
-- Pages are also filled to 90 % only, so that an update that changes no indexed column (a like, a comment or a
-- play moving its counter) finds room on its own page and is a HOT update: no new entry in any of the table's twelve
-- indexes (the GIN ones included).
-- Catalog changes only, no rewrite: a row moves its document out on its next document write (until then it is read
-- as before), and the room is left by rows inserted from now on.
ALTER TABLE projects SET (toast_tuple_target = 128, fillfactor = 90);
ALTER TABLE projects
    ALTER COLUMN title SET STORAGE MAIN,
    ALTER COLUMN description SET STORAGE MAIN,
    ALTER COLUMN tags SET STORAGE MAIN,
    ALTER COLUMN key_signature SET STORAGE MAIN,
    ALTER COLUMN time_signature SET STORAGE MAIN,
    ALTER COLUMN visibility SET STORAGE MAIN,
    ALTER COLUMN search SET STORAGE MAIN,
    ALTER COLUMN remix_summary SET STORAGE MAIN,
    ALTER COLUMN remix_credits SET STORAGE MAIN;
