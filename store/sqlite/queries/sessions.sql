-- name: session-create
-- Stores a new login session (the hash of its cookie value, never the value).
INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5);

-- name: session-get
-- A session still valid at ?2 whose user is not disabled.
SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at FROM sessions s
JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0;

-- name: session-delete
-- Ends one session (logout).
DELETE FROM sessions WHERE token_hash = ?1;

-- name: session-delete-expired
-- Forgets sessions past their expiry.
DELETE FROM sessions WHERE expires_at <= ?1;
