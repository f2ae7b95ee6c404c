using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Enrollment.Testing;

/// <summary>A real SQLite file, migrated, in a temporary directory.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TemporaryDirectory directory = new();
    private readonly ServiceProvider services;

    public TestDatabase()
    {
        Path = directory.File("enrollment.db");
        services = new ServiceCollection().AddEnrollmentDatabase(new DatabaseSettings(DatabaseProvider.Sqlite, Path)).BuildServiceProvider();
        Factory = services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>();
    }

    public string Path { get; }

    public IDbContextFactory<EnrollmentDbContext> Factory { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var database = new TestDatabase();
        await using var db = await database.Factory.CreateDbContextAsync();
        await DatabaseInitializer.InitializeAsync(db);
        return database;
    }

    public async Task<EnrollmentUser> AddUserAsync(string email = "alice@example.com", string employeeId = "E1001")
    {
        await using var db = await Factory.CreateDbContextAsync();
        var user = new EnrollmentUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = email.Split('@')[0], EmployeeId = employeeId, SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = DateTime.UtcNow,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
