// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_client - the smallest useful client of lfq.ko, built out of tree
 * against an installed lfq (lfq.h, lfq.kbuild and lfq.ko's Module.symvers).
 *
 * On load it passes a few work items through an lfq_ring and an lfq_msq,
 * checks that they come out in the order they went in, and prints one
 * line; it fails to load if they do not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <lfq.h>

#define CLIENT_ITEMS	16

struct client_item {
	unsigned int seq;
};

static struct client_item items[CLIENT_ITEMS];

/* Push every item, pop them all back, and check the FIFO order. */
static int client_ring(void)
{
	struct lfq_ring ring;
	struct client_item *it;
	unsigned int i;
	int err;

	err = lfq_ring_init(&ring, CLIENT_ITEMS, GFP_KERNEL);
	if (err)
		return err;
	for (i = 0; i < CLIENT_ITEMS && !err; i++)
		err = lfq_ring_push(&ring, &items[i]);
	for (i = 0; i < CLIENT_ITEMS && !err; i++) {
		it = lfq_ring_pop(&ring);
		if (!it || it->seq != i)
			err = -EIO;
	}
	if (!err && lfq_ring_pop(&ring))
		err = -EIO;
	lfq_ring_destroy(&ring, NULL);
	return err;
}

static int client_msq(void)
{
	struct client_item *it;
	struct lfq_msq q;
	unsigned int i;
	int err;

	err = lfq_msq_init(&q, GFP_KERNEL);
	if (err)
		return err;
	for (i = 0; i < CLIENT_ITEMS && !err; i++)
		err = lfq_msq_push(&q, &items[i], GFP_KERNEL);
	for (i = 0; i < CLIENT_ITEMS && !err; i++) {
		it = lfq_msq_pop(&q);
		if (!it || it->seq != i)
			err = -EIO;
	}
	if (!err && !lfq_msq_empty(&q))
		err = -EIO;
	lfq_msq_destroy(&q, NULL);
	return err;
}

static int __init lfq_client_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < CLIENT_ITEMS; i++)
		items[i].seq = i;
	err = client_ring();
	if (!err)
		err = client_msq();
	if (err) {
		pr_err("FAILED (%d)\n", err);
		return err;
	}
	pr_info("%u items through an lfq_ring and an lfq_msq, in order\n",
		CLIENT_ITEMS);
	return 0;
}

static void __exit lfq_client_exit(void)
{
}

module_init(lfq_client_init);
module_exit(lfq_client_exit);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("Out-of-tree example client of lfq");
