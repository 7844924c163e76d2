using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Pipeline.Cli.Output;
using Pipeline.Correlation.Model;
using Pipeline.MailLogs;

namespace Pipeline.Cli.Tests;

/// <summary>The two event writer threads when one of them fails.</summary>
public class EventOutputsTests
{
    private static readonly EventOrigin Origin = new("esa01", "mail_logs.current");

    [Fact]
    public async Task A_failing_writer_surfaces_its_error_both_files_are_closed_and_no_batch_is_written_twice()
    {
        var dir = CliRunner.TempDir();
        string ndjson = Path.Combine(dir, "events.ndjson"), arrow = Path.Combine(dir, "events.arrow");
        var outputs = new EventOutputs(ndjson, arrow, _ => throw new IOException("disk full"));
        var context = new ParseContext();
        var e = LogEvent.Empty;
        var thrown = Assert.Throws<IOException>(() =>
        {
            // The flow sink (on the NDJSON thread) fails on the first batch; the reader must hear of it, not hang.
            for (int i = 0; i < 200_000; i++)
            {
                var line = Encoding.UTF8.GetBytes($"Tue Mar 10 09:00:00 2026 Info: Start MID {i} ICID 1");
                MailLogParser.Parse(line, context, ref e);
                if (i % 4096 == 0) outputs.AddFlow(new FlowDocument { Id = $"esa01:{i}:x" });
                outputs.Add(line, e, Origin, (ulong)i + 1, 0, i + 1, 0);
            }
        });
        Assert.Equal("disk full", thrown.Message);

        outputs.Dispose(); // waits for both threads; the failure was already reported

        // The Arrow thread finished its file: every batch it was sent, each once.
        using var reader = new ArrowFileReader(File.OpenRead(arrow));
        var ids = new List<string>();
        int batches = await reader.RecordBatchCountAsync();
        for (int b = 0; b < batches; b++)
        {
            using var batch = await reader.ReadRecordBatchAsync(b, default);
            var column = (StringArray)batch.Column("event.id");
            for (int i = 0; i < column.Length; i++) ids.Add(column.GetString(i));
        }
        Assert.True(reader.IsFileValid, "events.arrow has its footer");
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
