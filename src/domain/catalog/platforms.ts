// The platforms whose type identifiers the catalog knows. A sample's metric name belongs to one of
// them (or is a canonical code, platform null), and that decides how its unit and category read.

export const PLATFORMS = ['healthkit', 'healthconnect'] as const;
/** A platform whose type identifiers the catalog knows (HealthKit, Health Connect). */
export type Platform = (typeof PLATFORMS)[number];
