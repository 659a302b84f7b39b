"""What every figure of the report means, printed with it on the page, in the CSV and in the PDF."""

from app.i18n import N_

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        N_("Cohortes contadas"),
        N_("Cohortes del departamento (o del país) que comenzaron dentro del período."),
    ),
    (
        N_("Oficiales alcanzados"),
        N_(
            "Personas distintas inscritas en las cohortes contadas, por sexo según su "
            "perfil («no declarado» si no lo indicó)."
        ),
    ),
    (
        N_("Alcance sobre la dotación"),
        N_(
            "Oficiales alcanzados dividido por la dotación policial del departamento "
            "cargada por un administrador. Incluye participantes de otras instituciones, "
            "por eso es un máximo."
        ),
    ),
    (
        N_("Horas presenciales"),
        N_(
            "Horas de las sesiones presenciales de las cohortes contadas; horas-oficial: esas "
            "horas por cada oficial marcado presente."
        ),
    ),
    (
        N_("Horas en línea"),
        N_(
            "Cada curso completado por un miembro de las cohortes contadas, por las horas de "
            "estudio del curso."
        ),
    ),
    (N_("Certificados emitidos"), N_("Certificados emitidos para las cohortes contadas y no revocados.")),
    (
        N_("Formadores certificados"),
        N_(
            "Personas certificadas como formadoras en las cohortes contadas (sin "
            "revocar), una vez cada una, en la generación de la cohorte que las certificó."
        ),
    ),
    (
        N_("Formadores activos"),
        N_(
            "Formadores certificados que dirigieron o codirigieron una sesión en los 6 meses "
            "hasta el fin del período (o hasta hoy)."
        ),
    ),
    (N_("Nunca dirigieron"), N_("Formadores certificados que no dirigen ninguna cohorte.")),
    (
        N_("Generación"),
        N_(
            "1: cohortes dirigidas por personal del ISEPOL; cada cohorte dirigida por un formador "
            "certificado está una generación después de la cohorte que lo certificó."
        ),
    ),
    (
        N_("Pares"),
        N_(
            "Oficiales que terminaron la evaluación inicial y la final del mismo curso. Solo ellos entran "
            "en las cifras de aprendizaje. Cada oficial cuenta una vez por curso, en su primera cohorte "
            "contada que enseña el curso."
        ),
    ),
    (
        N_("Abandono"),
        N_(
            "Oficiales que terminaron la evaluación inicial pero no la final, sobre todos los que "
            "terminaron la inicial."
        ),
    ),
    (
        N_("Media inicial y final"),
        N_("Promedio de las calificaciones (0 a 100) de los pares en cada evaluación."),
    ),
    (
        N_("Diferencia media e IC 95 %"),
        N_(
            "Promedio de (final − inicial) en puntos porcentuales, con su intervalo de "
            "confianza del 95 % por la t de Student para datos pareados."
        ),
    ),
    (
        N_("Ganancia normalizada (Hake)"),
        N_(
            "(media final − media inicial) / (100 − media inicial): la parte de lo "
            "que faltaba aprender que se aprendió (Hake, 1998)."
        ),
    ),
    (
        N_("Tamaño del efecto (d_z)"),
        N_(
            "Diferencia media dividida por la desviación estándar de las diferencias "
            "(Cohen, 1988; Lakens, 2013)."
        ),
    ),
    (N_("Dominio"), N_("Parte de los pares cuya evaluación final alcanza la nota de dominio del curso.")),
    (
        N_("Grupos pequeños"),
        N_(
            "Un grupo con menos de 5 pares muestra solo sus cantidades, para que ninguna "
            "calificación individual pueda deducirse."
        ),
    ),
)
