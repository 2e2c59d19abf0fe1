/* SPDX-License-Identifier: ISC */
/*
 * tai: TAI64N time stamps as runit and daemontools write them: seconds are
 * 2^62 + 10 + unix seconds (no leap-second table), then nanoseconds.
 */
#ifndef POD1_TAI_H
#define POD1_TAI_H

#define TAI_OFFSET 0x400000000000000aULL
#define TAI_PACK 12	/* 8 bytes of seconds, 4 of nanoseconds, big-endian */
#define TAI_HEX 25	/* "@" and 24 lowercase hex digits */

struct tai {
	unsigned long long sec;
	unsigned long nsec;
};

void tai_now(struct tai *);
void tai_from_unix(struct tai *, long long, unsigned long);
long long tai_to_unix(const struct tai *);
void tai_pack(unsigned char *, const struct tai *);
void tai_unpack(const unsigned char *, struct tai *);
void tai_fmt_hex(char *, const struct tai *);
int tai_scan_hex(const char *, struct tai *);

#endif
