/**
 * The EBS storage backend (DESIGN.md section 8): a journaled block store
 * ({@link io.nitrosim.ebs.storage.StorageEngine}: sparse block files, Chronicle Queue write-ahead journal,
 * checkpoints, replay), served in-process ({@link io.nitrosim.ebs.storage.EmbeddedStorageBackend}) or over TCP
 * ({@link io.nitrosim.ebs.storage.StorageServer}, {@link io.nitrosim.ebs.storage.StorageServerMain},
 * {@link io.nitrosim.ebs.storage.RemoteStorageBackend}) behind one asynchronous interface,
 * {@link io.nitrosim.ebs.storage.StorageBackend}.
 */
package io.nitrosim.ebs.storage;
