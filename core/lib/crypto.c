/* crypto.c: SHA-256, HMAC-SHA256, MD5, hex and base64 over OpenSSL. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"

/* Largest piece handed to OpenSSL's int-sized encoders; a multiple of 3 and of 4. */
#define B64_CHUNK ((size_t)3 * 4 * 1024 * 1024)

/* Hashes len bytes with md into out; dies when OpenSSL fails (it only does on a broken build). */
static void
digest(const EVP_MD *md, const char *name, const void *data, size_t len, unsigned char *out)
{
	if (EVP_Digest(data, len, out, NULL, md, NULL) != 1)
		fatalx("OpenSSL: %s digest failed", name);
}

/* SHA-256 of len bytes. */
void
fg_sha256(const void *data, size_t len, unsigned char out[32])
{
	digest(EVP_sha256(), "SHA-256", data, len, out);
}

/* SHA-256 of len bytes as 64 lower-case hex digits. */
void
fg_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[32];

	fg_sha256(data, len, h);
	fg_hex(h, sizeof(h), out);
}

/* HMAC-SHA256 of len bytes under key. */
void
fg_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len, unsigned char out[32])
{
	unsigned char kh[32];
	unsigned int outlen = 32;

	if (keylen > INT_MAX) {
		/* HMAC hashes keys longer than a block anyway (RFC 2104): same result. */
		fg_sha256(key, keylen, kh);
		key = kh;
		keylen = sizeof(kh);
	}
	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) == NULL)
		fatalx("OpenSSL: HMAC-SHA256 failed");
}

/* MD5 of len bytes (S3 Content-MD5 and ETags). */
void
fg_md5(const void *data, size_t len, unsigned char out[16])
{
	digest(EVP_md5(), "MD5", data, len, out);
}

/* MD5 of len bytes as 32 lower-case hex digits. */
void
fg_md5_hex(const void *data, size_t len, char out[33])
{
	unsigned char h[16];

	fg_md5(data, len, h);
	fg_hex(h, sizeof(h), out);
}

/* Writes 2 * len lower-case hex digits and a NUL. */
void
fg_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Encodes len bytes as padded standard base64; the caller frees the string. */
char *
fg_base64(const void *data, size_t len)
{
	const unsigned char *in = data;
	char *out = fg_malloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len; i += B64_CHUNK) {
		size_t n = len - i < B64_CHUNK ? len - i : B64_CHUNK;

		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, in + i, (int)n);
	}
	return out;
}

/* Tells whether c is a base64 alphabet character (not the '=' pad). */
static int
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '+' || c == '/';
}

/* Decodes padded standard base64; NULL when s is not exactly that. The result is
 * NUL-terminated for convenience; *outlen (when not NULL) gets its length. */
unsigned char *
fg_base64_decode(const char *s, size_t *outlen)
{
	size_t len = strlen(s), pad = 0, o = 0;
	unsigned char *out;

	if (len % 4 != 0)
		return NULL;
	if (len > 0 && s[len - 1] == '=')
		pad = len > 1 && s[len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < len - pad; i++)
		if (!b64_char((unsigned char)s[i]))
			return NULL;
	out = fg_malloc(len / 4 * 3 + 1);
	for (size_t i = 0; i < len; i += B64_CHUNK) {
		size_t n = len - i < B64_CHUNK ? len - i : B64_CHUNK;
		int r = EVP_DecodeBlock(out + o, (const unsigned char *)s + i, (int)n);

		if (r < 0) {
			free(out);
			return NULL;
		}
		o += (size_t)r;
	}
	/* EVP_DecodeBlock counts the pad characters as zero bytes. */
	o -= pad;
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}

/* Compares len bytes in time independent of their contents; 0 when equal. */
int
fg_ct_memcmp(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) != 0;
}
