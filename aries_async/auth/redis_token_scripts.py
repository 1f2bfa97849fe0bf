"""The Lua scripts of :class:`~aries_async.auth.redisstore.RedisTokenStore`, on its token hash
(``KEYS[1]``; the fields are described in :mod:`~aries_async.auth.redisstore`). Each runs
atomically on the Redis server, and is safe to run twice (a client sends a command again when
its connection failed, the first one's reply lost): a save finds its own write (below), a
clear counts one more version, a refusal and a token put back are kept once.

The token endpoint a token is for (``ARGV[3]`` of the scripts that take it, '' when the store
was not told) is kept in the hash's ``endpoint`` field: a save or a clear by a store told
another endpoint is refused (-2), and one by a store not told any leaves no ``endpoint`` behind.
"""

from __future__ import annotations

__all__ = ["CLEAR", "REFUSE", "RESTORE", "SAVE"]

_OTHER = """
local endpoint = redis.call('HGET', KEYS[1], 'endpoint')
if ARGV[3] ~= '' and endpoint and endpoint ~= ARGV[3] then return -2 end
"""
"""-2 when the token there was saved for a token endpoint other than ARGV[3] (if given)."""

_LABEL = """
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 'endpoint')
else redis.call('HSET', KEYS[1], 'endpoint', ARGV[3]) end
"""
"""Keep ARGV[3], the token endpoint, beside the token; none when unknown."""

SAVE = (
    """
if redis.call('HGET', KEYS[1], 'saved') == ARGV[4] then
    return tonumber(redis.call('HGET', KEYS[1], 'version'))
end
"""
    + _OTHER
    + """
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= version then
    return -1
end
version = version + 1
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'version', version, 'saved', ARGV[4])
redis.call('HDEL', KEYS[1], 'restored', 'refused')
"""
    + _LABEL
    + "return version"
)
"""Save ARGV[1] when ARGV[2] is empty or the current version; the new version, -1 or -2. The
save is named ARGV[4] (random, one per save), kept in the hash's ``saved`` field until the next
write: the same save sent again (its reply lost with its connection) finds its own write there
and returns its version, rather than fail its check against the version it wrote itself."""

CLEAR = (
    _OTHER
    + """
redis.call('HDEL', KEYS[1], 'token', 'restored', 'refused', 'endpoint', 'saved')
return redis.call('HINCRBY', KEYS[1], 'version', 1)
"""
)
"""Forget the token but keep counting versions, so a holder that read a version before the
logout cannot match a later sign-in's version and write over it (and so that a hash without a
version is one Redis lost, not a logout)."""

REFUSE = """
if redis.call('HGET', KEYS[1], 'version') == ARGV[2] then
    redis.call('HSET', KEYS[1], 'refused', ARGV[1])
end
return 0
"""
"""Keep the refusal ARGV[1] beside the token while it is the one of version ARGV[2]."""

RESTORE = (
    """
local kept = redis.call('HMGET', KEYS[1], 'token', 'version', 'endpoint', 'restored')
local version = tonumber(kept[2] or '0')
local newer
if version == 0 then
    newer = false
elseif version < tonumber(ARGV[4]) then
    local ok, there = pcall(cjson.decode, kept[1] or '')
    local obtained = ok and type(there) == 'table' and tonumber(there['obtained_at'])
    newer = obtained and obtained >= tonumber(ARGV[2])
else
    newer = not kept[4] or tonumber(kept[4]) >= tonumber(ARGV[2])
end
if newer then return {kept[1], kept[2], 0, kept[3]} end
version = math.max(version + 1, tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'version', version, 'restored', ARGV[2])
redis.call('HDEL', KEYS[1], 'refused', 'saved')
"""
    + _LABEL
    + "return {ARGV[1], version, 1, ARGV[3]}"
)
"""Put back ARGV[1] (a token obtained at ARGV[2], seen at version ARGV[4]) where Redis lost the
hash, or holds an older version of it with a token obtained earlier (none, or unreadable), or a
token put back that was obtained earlier; else leave the hash as it is (a sign-in saved since
Redis lost the hash is newer). The token and version there, 1 when put back, and the endpoint
there."""
