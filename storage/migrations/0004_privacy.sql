-- Placeholder: filled by the work on 0004_privacy.
SELECT 1;
