/**
 * Noise schedules and samplers of the DDIM family, computed exactly as diffusers computes them (float32
 * tables, the same timestep spacings): {@link atelier.runtime.scheduler.SchedulerConfig} reads
 * {@code scheduler_config.json}, {@link atelier.runtime.scheduler.DdimScheduler} steps down,
 * {@link atelier.runtime.scheduler.DdimInversion} steps up.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.scheduler;
