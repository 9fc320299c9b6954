-- The time zone a person's browser is in (an IANA name such as Europe/Paris), remembered for
-- the pages and mails they get on any device. Times themselves stay in UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT;
