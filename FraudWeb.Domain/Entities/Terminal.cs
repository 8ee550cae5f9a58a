namespace FraudWeb.Domain.Entities;

/// <summary>A merchant's payment terminal, seeded from the simulator's terminals.</summary>
public class Terminal
{
    private Terminal()
    {
        Name = Category = "";
    }

    public long Id { get; private set; }
    public string Name { get; private set; }
    public string Category { get; private set; }
    /// <summary>Position on the simulator's 100 x 100 grid.</summary>
    public double X { get; private set; }
    public double Y { get; private set; }

    public static Terminal Create(string name, string category, double x, double y)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        return new Terminal { Name = name.Trim(), Category = category.Trim(), X = x, Y = y };
    }
}
