-- Some notifications also go out by email (deal news): a worker sends those whose mailed_at is
-- NULL and stamps them, so each is mailed once even with several instances. The others are
-- written already stamped. Mail goes out in the language the person last used the site in.
ALTER TABLE notifications ADD COLUMN mailed_at BIGINT;
UPDATE notifications SET mailed_at = created_at;
CREATE INDEX notifications_to_mail ON notifications (id) WHERE mailed_at IS NULL;
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
