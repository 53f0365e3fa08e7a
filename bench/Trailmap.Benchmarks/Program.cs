using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Trailmap.Benchmarks.JourneyBenchmarks).Assembly).Run(args);
