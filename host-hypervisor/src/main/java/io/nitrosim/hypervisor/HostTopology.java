package io.nitrosim.hypervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host's processors: sockets x cores per socket x threads per core, all at one clock. The default is the
 * C5 host: 2 x 18 x 2 = 72 hyperthreads of a 3.0 GHz Xeon Platinum 8000-series (docs/sources.md section 1).
 */
public final class HostTopology
{
    private final int sockets;
    private final int coresPerSocket;
    private final int threadsPerCore;
    private final long clockHz;
    private final List<HostThread> threads;

    public HostTopology(final int sockets, final int coresPerSocket, final int threadsPerCore, final long clockHz)
    {
        this.sockets = sockets;
        this.coresPerSocket = coresPerSocket;
        this.threadsPerCore = threadsPerCore;
        this.clockHz = clockHz;
        final List<HostThread> list = new ArrayList<>(sockets * coresPerSocket * threadsPerCore);
        for (int s = 0; s < sockets; s++)
        {
            for (int c = 0; c < coresPerSocket; c++)
            {
                for (int t = 0; t < threadsPerCore; t++)
                {
                    list.add(new HostThread(list.size(), s, c, t));
                }
            }
        }
        this.threads = Collections.unmodifiableList(list);
    }

    public int sockets()
    {
        return sockets;
    }

    public int coresPerSocket()
    {
        return coresPerSocket;
    }

    public int threadsPerCore()
    {
        return threadsPerCore;
    }

    public long clockHz()
    {
        return clockHz;
    }

    public int threadCount()
    {
        return threads.size();
    }

    public int coreCount()
    {
        return sockets * coresPerSocket;
    }

    /** All threads in id order. */
    public List<HostThread> threads()
    {
        return threads;
    }

    public HostThread thread(final int id)
    {
        if (id < 0 || id >= threads.size())
        {
            throw new IllegalArgumentException("host thread id " + id + " out of range 0.." + (threads.size() - 1));
        }
        return threads.get(id);
    }

    /** Ids of the threads sharing {@code id}'s core, including itself. */
    public List<Integer> siblingsOf(final int id)
    {
        final HostThread t = thread(id);
        final int first = id - t.thread();
        final List<Integer> result = new ArrayList<>(threadsPerCore);
        for (int i = 0; i < threadsPerCore; i++)
        {
            result.add(first + i);
        }
        return result;
    }

    @Override
    public String toString()
    {
        return sockets + " sockets x " + coresPerSocket + " cores x " + threadsPerCore + " threads = " + threadCount()
            + " hardware threads at " + clockHz + " Hz";
    }
}
