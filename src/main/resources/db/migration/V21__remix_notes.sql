-- What a remixer says about their remix, stored with it (issue 17: the DAWG client's remix sends
-- {changesSummary, credits}). Both absent for projects that are no remix or were remixed without a note.
ALTER TABLE projects
    ADD COLUMN remix_summary text CHECK (char_length(remix_summary) <= 1000),
    ADD COLUMN remix_credits text CHECK (char_length(remix_credits) <= 500);
