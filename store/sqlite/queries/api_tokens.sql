-- name: api-token-create
-- Stores a new API token by its hash.
INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5);

-- name: api-token-find
-- A live token by hash, whose user is not disabled.
SELECT t.id, t.user_id, t.name, t.prefix, t.token_hash, t.created_at, t.last_used_at, t.revoked
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = ?1 AND t.revoked = 0 AND u.disabled = 0;

-- name: api-token-touch
-- Records when a token was last used, at most once a minute (avoids a write per request).
UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60);

-- name: api-token-list
-- Tokens of one user (?1), or of everyone when ?1 is NULL.
SELECT id, user_id, name, prefix, token_hash, created_at, last_used_at, revoked FROM api_tokens
WHERE ?1 IS NULL OR user_id = ?1 ORDER BY id;

-- name: api-token-revoke
-- Revokes a token; ?2 (when not NULL) restricts it to that user's tokens.
UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND (?2 IS NULL OR user_id = ?2);
