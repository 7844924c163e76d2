namespace Pipeline.Simulation;

/// <summary>Pools of names, addresses, subjects and hosts, built once from the seed (UTF-8 bytes, shared by all messages).</summary>
internal sealed class Names
{
    private static readonly string[] First = ["anna", "ben", "carla", "dev", "elena", "farid", "gina", "hiro", "ines", "jon", "kim", "lars", "maria", "nils", "olga", "pavel", "quinn", "rosa", "sam", "tara", "uma", "victor", "wen", "xavier", "yara", "zoe", "li", "omar", "petra", "raj"];
    private static readonly string[] Last = ["smith", "mueller", "garcia", "rossi", "dubois", "kowalski", "tanaka", "silva", "jensen", "novak", "ivanova", "khan", "nguyen", "brown", "fischer", "moreau", "costa", "berg", "lopez", "wagner"];
    private static readonly string[] Words = ["blue", "river", "north", "star", "apex", "delta", "green", "metro", "nova", "pixel", "summit", "urban", "vertex", "alpine", "coral", "ember", "harbor", "iron", "lumen", "orbit", "prime", "quartz", "solar", "terra", "vista", "zen", "cedar", "falcon", "maple", "atlas"];
    private static readonly string[] Nouns = ["logistics", "media", "bank", "foods", "systems", "travel", "health", "energy", "motors", "labs", "retail", "consult", "print", "insure", "shop", "mail", "news", "games", "parts", "tools"];
    private static readonly string[] Tlds = ["com", "net", "org", "de", "fr", "co.uk", "it", "nl", "es", "com.br", "co.jp", "ca"];
    private static readonly string[] SubjectHeads = ["Re: ", "RE: ", "Fwd: ", "FW: ", "", "", "", ""];
    private static readonly string[] SubjectBodies = ["Quarterly budget review", "Invoice {n} attached", "Meeting notes {d}", "Your order {n} has shipped", "Webinar: Working Together 101", "Contract draft v{k}", "Problem Report PR{n}", "Holiday schedule", "Password expiry notice", "Shipment Notification : {n}", "Today only: {k}0% off", "Project status update", "Lunch on Friday?", "Updated price list {d}", "Payroll question", "Security awareness training", "Site visit {d}", "Demande de prix", "Angebot {n}", "New login from a new device", "Re-scheduled: design review", "Expense report {n}", "Welcome to the team", "Customer feedback summary", "Monthly newsletter {d}"];
    private static readonly string[] Attachments = ["invoice_{n}.pdf", "image001.png", "image002.jpg", "report_{d}.xlsx", "contract_v{k}.docx", "scan_{n}.pdf", "slides.pptx", "notes.txt", "photo_{k}.jpg", "statement_{n}.pdf"];
    private static readonly string[] Viruses = ["W32/Sober-P", "Troj/Agent-AXYZ", "Mal/DrodZp-A", "Troj/DocDl-ABC", "Mal/Phish-B"];
    private static readonly string[] RdnsPatterns = ["mail{k}.{dom}", "smtp{k}.{dom}", "mx{k}.{dom}", "out{k}.mailer.{dom}"];

    public readonly byte[] InternalDomain;
    public readonly byte[][] InternalUsers;
    public readonly byte[][] ExternalDomains;
    public readonly byte[][][] ExternalUsers;
    public readonly byte[][] Subjects;
    public readonly byte[][] AttachmentNames;
    public readonly byte[][] VirusNames;
    public readonly byte[][] RdnsHosts;
    public readonly byte[] BccFrom;
    public readonly byte[] BccTo;

    public Names(Rng r, string internalDomain)
    {
        InternalDomain = Utf8.Bytes(internalDomain);
        InternalUsers = new byte[1500][];
        for (int i = 0; i < InternalUsers.Length; i++)
            InternalUsers[i] = Utf8.Bytes($"{r.Pick(First)}.{r.Pick(Last)}{(i < 600 ? "" : (i % 97).ToString(System.Globalization.CultureInfo.InvariantCulture))}@{internalDomain}");
        var domains = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (domains.Count < 400)
        {
            var d = $"{r.Pick(Words)}{r.Pick(Nouns)}.{r.Pick(Tlds)}";
            if (seen.Add(d)) domains.Add(d);
        }
        ExternalDomains = domains.Select(Utf8.Bytes).ToArray();
        ExternalUsers = new byte[domains.Count][][];
        for (int i = 0; i < domains.Count; i++)
        {
            int n = 3 + r.Next(10);
            ExternalUsers[i] = new byte[n][];
            for (int j = 0; j < n; j++)
            {
                string local = r.Next(6) switch
                {
                    0 => "info",
                    1 => "noreply",
                    2 => $"{r.Pick(First)}{r.Range(1, 99)}",
                    _ => $"{r.Pick(First)}.{r.Pick(Last)}",
                };
                ExternalUsers[i][j] = Utf8.Bytes($"{local}@{domains[i]}");
            }
        }
        Subjects = new byte[300][];
        for (int i = 0; i < Subjects.Length; i++)
            Subjects[i] = Utf8.Bytes(Fill(r, r.Pick(SubjectHeads) + r.Pick(SubjectBodies)));
        AttachmentNames = new byte[120][];
        for (int i = 0; i < AttachmentNames.Length; i++) AttachmentNames[i] = Utf8.Bytes(Fill(r, r.Pick(Attachments)));
        VirusNames = Viruses.Select(Utf8.Bytes).ToArray();
        RdnsHosts = new byte[600][];
        for (int i = 0; i < RdnsHosts.Length; i++)
            RdnsHosts[i] = Utf8.Bytes(r.Pick(RdnsPatterns).Replace("{k}", r.Range(1, 40).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{dom}", domains[r.Next(domains.Count)], StringComparison.Ordinal));
        BccFrom = Utf8.Bytes($"noreply@{internalDomain}");
        BccTo = Utf8.Bytes($"fireeyeblackhole@{internalDomain}");
    }

    private static string Fill(Rng r, string template) => template
        .Replace("{n}", r.Range(1000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{d}", $"2026-{r.Range(1, 12):00}-{r.Range(1, 28):00}", StringComparison.Ordinal)
        .Replace("{k}", r.Range(2, 9).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
