-- The auth tables with the database standard's columns, as its SQLAlchemy models create them:
-- password (V1's password_hash, values kept), fs_uniquifier, confirmed_at, and an 80-character role name.
-- fs_uniquifier is NOT NULL and unique; existing rows and inserts that leave it out get a fresh random
-- one (a UUID's 32 hex digits, as Flask-Security's uuid4().hex). V1's display_name, role_id and
-- created_at stay: the standard's inserts never name them, and they are nullable or defaulted.
ALTER TABLE auth_user RENAME COLUMN password_hash TO password;

ALTER TABLE auth_user
    ADD COLUMN fs_uniquifier VARCHAR(64) NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT auth_user_fs_uniquifier_key UNIQUE (fs_uniquifier),
    ADD COLUMN confirmed_at TIMESTAMP;

ALTER TABLE auth_role ALTER COLUMN name TYPE VARCHAR(80);
