/** A project folder that cannot be used as it is: the message names the folder or file and the fix. */
export class ProjectError extends Error {
  override name = 'ProjectError';
}
