/**
 * The EBS storage backend: a journaled block store ({@link io.nitrosim.ebs.storage.StorageEngine} over a
 * {@link io.nitrosim.ebs.storage.BlockStore} of sparse block files and a Chronicle Queue write-ahead
 * {@link io.nitrosim.ebs.storage.Journal}, with checkpoints and replay), served in-process
 * ({@link io.nitrosim.ebs.storage.EmbeddedStorageBackend}, the default) or over TCP
 * ({@link io.nitrosim.ebs.storage.StorageServer}, {@link io.nitrosim.ebs.storage.StorageServerMain},
 * {@link io.nitrosim.ebs.storage.RemoteStorageBackend}; token-authenticated, with per-connection and global limits)
 * behind one asynchronous interface, {@link io.nitrosim.ebs.storage.StorageBackend}.
 */
package io.nitrosim.ebs.storage;
