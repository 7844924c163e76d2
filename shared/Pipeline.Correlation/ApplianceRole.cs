namespace Pipeline.Correlation;

/// <summary>What an appliance is in the CPQ round trip.</summary>
public enum ApplianceRole : byte
{
    /// <summary>Not known yet (inferred from its lines).</summary>
    Unknown = 0,
    /// <summary>Email Security Appliance: scans mail, hands quarantined messages to an SMA.</summary>
    Esa,
    /// <summary>Security Management Appliance: holds the centralized quarantines.</summary>
    Sma,
}
