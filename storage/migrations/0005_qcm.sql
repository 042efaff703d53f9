-- Placeholder: filled by the work on 0005_qcm.
SELECT 1;
