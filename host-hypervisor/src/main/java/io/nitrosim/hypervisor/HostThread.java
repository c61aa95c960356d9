package io.nitrosim.hypervisor;

/**
 * One hardware thread of the host. Ids are numbered so that hyperthread siblings are adjacent:
 * {@code id = (socket * coresPerSocket + core) * threadsPerCore + thread}.
 */
public record HostThread(int id, int socket, int core, int thread)
{
    @Override
    public String toString()
    {
        return "cpu" + id + "(socket " + socket + ", core " + core + ", thread " + thread + ")";
    }
}
