package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.nitrosim.cli.NitroSim;

/**
 * Behaviour guard for refactoring: every shipped example (and a full-payload run) must produce the same
 * results, byte for byte, as the golden files committed beside this test. Only wall-clock fields differ between
 * two runs of one scenario and seed, and those are removed before comparing.
 * <p>
 * A deliberate behaviour change regenerates the golden files with
 * {@code ./mvnw -pl integration-tests -am verify -Dtest=GoldenResultsTest -Dgolden.update=true
 * -Dsurefire.failIfNoSpecifiedTests=false} and the diff of the golden files goes into the same commit, so a
 * reviewer sees exactly which figures moved.
 */
class GoldenResultsTest
{
    private static final Path REPO = locateRepository();
    private static final Path GOLDEN = REPO.resolve("integration-tests/src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static Stream<String> cases() throws IOException
    {
        final List<String> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(REPO.resolve("examples")))
        {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted()
                .forEach(p -> cases.add("examples/" + p.getFileName()));
        }
        cases.add("integration-tests/src/test/resources/golden/full-payload.yaml");
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldReproduceGoldenResults(final String relativePath) throws IOException
    {
        final Path file = REPO.resolve(relativePath);
        final boolean sweep = Files.readString(file).lines().anyMatch(l -> l.startsWith("parameters:"));
        final String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        final ExampleRuns.Run run = ExampleRuns.of(file);
        final Path out = run.out();
        if (run.exit() != NitroSim.EXIT_OK && run.exit() != NitroSim.EXIT_EXPECTATION_FAILED)
        {
            fail(relativePath + " exited " + run.exit() + ":\n" + run.console());
        }
        final List<String> outputs = sweep ? List.of("experiment.json", "experiment.csv")
            : List.of("results.json", "timeseries.csv");
        for (final String output : outputs)
        {
            final String actual = withoutWallClock(Files.readString(out.resolve(output), StandardCharsets.UTF_8));
            final Path golden = GOLDEN.resolve(name + "." + output);
            if (UPDATE)
            {
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
                continue;
            }
            if (!Files.exists(golden))
            {
                fail("no golden file " + REPO.relativize(golden) + "; create it with -Dgolden.update=true");
            }
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
                relativePath + ": " + output + " differs from " + REPO.relativize(golden)
                    + " (regenerate with -Dgolden.update=true only for a deliberate behaviour change)");
        }
    }

    /** Drops the lines of JSON fields measured on the wall clock (the only figures two runs may differ in). */
    static String withoutWallClock(final String text)
    {
        final StringBuilder kept = new StringBuilder(text.length());
        for (final String line : text.split("\n", -1))
        {
            if (!line.trim().startsWith("\"wall"))
            {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private static Path locateRepository()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("examples")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("cannot find the repository root (a folder with examples/) above "
                + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
