-- name: user-create
-- Inserts a user; the UNIQUE email constraint reports a taken address.
INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5);

-- name: user-get
-- One user by id, without the password hash.
SELECT id, email, name, role, created_at, disabled FROM users WHERE id = ?1;

-- name: user-by-email
-- One user by lower-cased email, with the password hash, for login.
SELECT id, email, name, role, created_at, disabled, password_hash FROM users WHERE email = ?1;

-- name: user-list
-- Every user, oldest first.
SELECT id, email, name, role, created_at, disabled FROM users ORDER BY id;

-- name: user-update
-- Changes the given fields (NULL keeps the current value).
UPDATE users SET name = coalesce(?2, name), role = coalesce(?3, role),
  password_hash = coalesce(?4, password_hash), disabled = coalesce(?5, disabled) WHERE id = ?1;

-- name: user-delete
-- Deletes a user; their sessions and tokens go with them (ON DELETE CASCADE).
DELETE FROM users WHERE id = ?1;

-- name: user-count
-- How many accounts exist (zero on first start).
SELECT count(*) FROM users;
