/* table.h: AWS.DynamoDB.Table's properties on the DynamoDB wire: the CreateTable request, the
 * observed properties of a TableDescription, whether a table has settled, and the next
 * UpdateTable that brings a table closer to its desired properties. */
#ifndef FUGUE_PLUGIN_DDB_TABLE_H
#define FUGUE_PLUGIN_DDB_TABLE_H

#include "fugue/broker.h"

/* Writes the CreateTable request for the desired properties into w. */
void table_create_body(const struct fugue_host *, struct fugue_json *w,
    const struct fugue_value *desired);

/* Writes the properties and read-only attributes of TableDescription d as members of the
 * object open in w, all but Tags. region is the Region property; desired (NULL in sweeps)
 * only lets a KMS key be reported by the name the composition gave it. */
void table_observe(const struct fugue_host *, struct fugue_json *w, const struct fugue_value *d,
    const char *region, const struct fugue_value *desired);

/* 1 when the table and its global secondary indexes are ACTIVE; 0 while a wait will end it
 * (CREATING, UPDATING, DELETING); -1 in a state no wait ends (INACCESSIBLE_ENCRYPTION_
 * CREDENTIALS, ARCHIVED, ...). *state is the table's or an index's status. */
int table_settled(const struct fugue_host *, const struct fugue_value *d, const char **state);

/* The next UpdateTable that brings the table of TableDescription d closer to desired:
 * 1 with its request in w and what it changes in *what (caller frees); 0 when the table
 * matches (Tags aside); -1 with the reason in *what when desired cannot be reached. DynamoDB
 * takes one index creation or deletion per call, so the steps are, in order: delete the
 * global secondary indexes not desired (or desired with other keys or projection), set the
 * billing mode and throughput (table and kept indexes), create the missing indexes, then
 * streams, encryption, table class and deletion protection. */
int table_next_update(const struct fugue_host *, struct fugue_json *w,
    const struct fugue_value *desired, const struct fugue_value *d, char **what);

#endif
