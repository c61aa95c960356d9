/**
 * Device-level tracing: {@link io.nitrosim.pci.trace.Tracer} (what components call),
 * {@link io.nitrosim.pci.trace.TraceSink} (where events go), {@link io.nitrosim.pci.trace.TraceRecord} (the binary
 * record) and {@link io.nitrosim.pci.trace.TraceKind} (the event kinds and their arguments).
 */
package io.nitrosim.pci.trace;
