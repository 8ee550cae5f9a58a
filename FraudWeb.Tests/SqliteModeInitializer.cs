using System.Runtime.CompilerServices;
using FraudWeb.Infrastructure.Database;

namespace FraudWeb.Tests;

/// <summary>
/// The test process sets SQLite's mode as the app's Program does (<see cref="SqliteProcessMode"/>), once, as this
/// assembly loads: before any test opens a connection, and never while another thread is in SQLite (sqlite3_config is
/// not thread-safe; the hosts' Program then finds it applied). So the tests run SQLite as the app does.
/// </summary>
internal static class SqliteModeInitializer
{
#pragma warning disable CA2255 // This assembly is the test process's first user of SQLite; nothing opens it earlier.
    [ModuleInitializer]
    internal static void Apply() => SqliteProcessMode.Apply();
#pragma warning restore CA2255
}
