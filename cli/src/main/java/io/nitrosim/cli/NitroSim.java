package io.nitrosim.cli;

import java.io.PrintWriter;

import io.nitrosim.simulator.scenario.MessageText;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code nitro-sim} command line. Exit codes CI can gate on: 0 success, 1 internal error, 2 bad input
 * (nothing was run), 3 a scenario expectation failed.
 */
@Command(
    name = "nitro-sim",
    mixinStandardHelpOptions = true,
    versionProvider = NitroSim.Version.class,
    description = "Simulator of an AWS Nitro-style host: minimal hypervisor, VPC (ENA) and EBS (NVMe) offload cards.",
    subcommands = {CatalogCommand.class, DemoCommand.class, RunCommand.class, ExperimentCommand.class,
        WorkerCommand.class, ServeCommand.class, UpCommand.class, TraceCommand.class, CommandLine.HelpCommand.class})
public final class NitroSim implements Runnable
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL_ERROR = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_EXPECTATION_FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        // Ctrl-C and SIGTERM run the shutdown hooks, which stop a running simulation and remove its files.
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (used by tests and by {@link #main}). */
    public static int execute(final String[] args, final PrintWriter out, final PrintWriter err)
    {
        final CommandLine cli = new CommandLine(new NitroSim());
        summariseSubcommands(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, ignored) ->
        {
            final CommandLine failed = ex.getCommandLine();
            failed.getErr().println("nitro-sim: " + ex.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, failed, parseResult) ->
        {
            if (ex instanceof BadInputException || ex instanceof io.nitrosim.simulator.scenario.ScenarioException
                || ex instanceof io.nitrosim.simulator.trace.TraceException)
            {
                failed.getErr().println("nitro-sim: " + MessageText.line(ex.getMessage()));
                return EXIT_BAD_INPUT;
            }
            return internalError(ex, failed.getErr());
        });
        try
        {
            return cli.execute(args);
        }
        catch (final Throwable ex) // an Error (OutOfMemoryError, StackOverflowError) passes picocli's handler
        {
            return internalError(ex, err);
        }
    }

    /**
     * The command list shows each subcommand's header, or else only the first line of its description, which
     * cuts a wrapped sentence in half: give each subcommand without a header the first sentence of its
     * description.
     */
    static void summariseSubcommands(final CommandLine cli)
    {
        for (final CommandLine sub : cli.getSubcommands().values())
        {
            final CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            if (usage.header().length == 0 && usage.description().length > 0)
            {
                final String text = String.join(" ", usage.description());
                final int end = text.indexOf(". ");
                usage.header(end < 0 ? text : text.substring(0, end + 1));
                // the header is for the list only: the command's own help starts with its usage and description
                final java.util.List<String> keys = new java.util.ArrayList<>(sub.getHelpSectionKeys());
                keys.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
                keys.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER);
                sub.setHelpSectionKeys(keys);
            }
        }
    }

    /**
     * One line for the user, the trace in a log file: never a raw stack trace on the console.
     *
     * @return {@link #EXIT_INTERNAL_ERROR}.
     */
    static int internalError(final Throwable ex, final PrintWriter err)
    {
        final String log = InternalErrorLog.write(ex);
        if (ex instanceof OutOfMemoryError)
        {
            err.println("nitro-sim: out of memory (" + MessageText.line(ex.getMessage()) + ") with a heap limit of "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB: raise it (NITRO_SIM_JAVA_OPTS=-Xmx8g) or simulate "
                + "less; " + log);
        }
        else
        {
            err.println("nitro-sim: internal error: " + MessageText.line(ex.getClass().getName() + ": "
                + ex.getMessage()) + "; " + log);
        }
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = NitroSim.class.getPackage().getImplementationVersion();
            return new String[] {"nitro-sim " + (version == null ? "development build" : version)};
        }
    }
}
