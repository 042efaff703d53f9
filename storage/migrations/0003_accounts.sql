-- Placeholder: filled by the work on 0003_accounts.
SELECT 1;
