// For the container HEALTHCHECK and Kubernetes probes: the console's server answers.
// It does not call the API: a console whose API is down still serves its error pages,
// and restarting it would not bring the API back.
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' });
}
