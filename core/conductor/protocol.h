/* protocol.h: the version, limits and error codes of the CLI <-> Conductor protocol
 * (doc/protocol.md, schemas/request.schema.json, schemas/reply.schema.json).
 *
 * BUMP THE VERSION for any incompatible change, here, in both schemas and in the CLI: the
 * Conductor answers another version with UnsupportedVersion.
 */
#ifndef FUGUE_CONDUCTOR_PROTOCOL_H
#define FUGUE_CONDUCTOR_PROTOCOL_H

#define PROTO_VERSION 1
#define PROTO_VERSIONS "1"             /* every version spoken, for UnsupportedVersion */
#define PROTO_MAX_MESSAGE (256 * 1024) /* bytes of an envelope or a reply (SQS's limit) */
#define PROTO_MAX_SKEW_MS (5 * 60 * 1000)

/* Error codes of replies. */
#define E_MALFORMED "MalformedRequest"
#define E_VERSION "UnsupportedVersion"
#define E_AUTH "AuthFailure"
#define E_STALE "StaleRequest"
#define E_NOT_FOUND "NotFound"
#define E_INVALID "InvalidArgument"
#define E_CONFLICT "Conflict"
#define E_LOCKED "Locked"
#define E_FORBIDDEN "Forbidden"

/* The bootstrap user: it sees and acts on every process. */
#define USER_ROOT "root"
#define E_INTERNAL "InternalError"

#endif
